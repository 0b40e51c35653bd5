// The guidetree extension: highlighting comes from the TextMate grammar in
// syntaxes/; everything else (diagnostics as you type, go to definition,
// references, rename, hover, completion, outline, formatting, quick fixes)
// from the language server, `guidetree lsp`, started over stdio.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('guidetree').get('path') || 'guidetree';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'guidetree',
    'guidetree',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'guidetree' }] },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
