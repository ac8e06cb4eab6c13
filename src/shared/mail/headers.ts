/**
 * One-click unsubscribe (RFC 8058): mail clients show an "Unsubscribe" button and POST
 * `List-Unsubscribe=One-Click` to the URL, with no page to visit and no login.
 */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
