import { randomBytes } from 'node:crypto';

/** The page of a rule editor; kept free of `vscode` so it is tested as it is. */
export interface RuleEditorPage {
  flag: string;
  env: string;
  scriptUri: string;
  styleUri: string;
  cspSource: string;
}

/**
 * The CSP nonce: unguessable, from the platform's CSPRNG (a `Math.random` nonce can be predicted,
 * and a predicted nonce lets an injected script run).
 */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Text for HTML content and quoted attributes: flag keys and environments come from the repository. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function ruleEditorHtml(page: RuleEditorPage, nonce: string = createNonce()): string {
  const flag = escapeHtml(page.flag);
  const env = escapeHtml(page.env);
  const csp = `default-src 'none'; style-src ${page.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link href="${escapeHtml(page.styleUri)}" rel="stylesheet">
  <title>${flag} · ${env}</title>
</head>
<body>
  <main id="app" aria-live="polite"><p>Loading ${flag}…</p></main>
  <script nonce="${escapeHtml(nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}
