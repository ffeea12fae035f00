import { strict as assert } from 'node:assert';
import { createNonce, ruleEditorHtml } from '../../client/src/ruleEditor/ruleEditorHtml';

const page = {
  flag: 'new-checkout',
  env: 'production',
  scriptUri: 'https://webview.test/dist/ruleEditor.js',
  styleUri: 'https://webview.test/dist/ruleEditor.css',
  cspSource: 'https://webview.test',
};

describe('rule editor page', () => {
  it('shows a flag key with markup in it as text, never as markup', () => {
    const html = ruleEditorHtml({
      ...page,
      flag: '</title><script>alert(1)</script><img src=x onerror=alert(2)>',
    });
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /<title>&#60;\/title&#62;&#60;script&#62;alert\(1\)/);
    assert.equal(html.match(/<script\b/g)?.length, 1, 'only the editor script');
  });

  it('escapes an environment name that tries to close an attribute or tag', () => {
    const html = ruleEditorHtml({ ...page, env: '"><script>alert(1)</script>' });
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /&#34;&#62;&#60;script&#62;/);
  });

  it('lets only the script with its nonce run', () => {
    const html = ruleEditorHtml(page, 'n0nce+/=');
    assert.match(html, /script-src &#39;nonce-n0nce\+\/=&#39;;/);
    assert.match(
      html,
      /<script nonce="n0nce\+\/=" src="https:\/\/webview\.test\/dist\/ruleEditor\.js"><\/script>/,
    );
  });

  it('makes a fresh nonce of 18 random bytes for every page', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 18);
  });
});
