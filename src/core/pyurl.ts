/**
 * The part of Python's `urllib.parse.urlparse` the recorder's hash depends on: `netloc` (for the
 * Bedrock rule) and `path` (the hashed endpoint). Follows CPython 3.11's urlsplit/urlparse.
 */

const SCHEME_CHARS = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
/** Schemes for which urlparse splits `;params` off the last path segment. */
const USES_PARAMS = new Set(["", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel"]);

export interface PyUrl {
  scheme: string;
  netloc: string;
  path: string;
}

export function pyUrlParse(input: string): PyUrl {
  // urlsplit strips leading C0 controls/space and removes tab and newlines anywhere.
  let url = input.replace(/^[\u0000-\u0020]+/, "").replace(/[\t\r\n]/g, "");
  let scheme = "";
  const colon = url.indexOf(":");
  if (colon > 0 && SCHEME_CHARS.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  let netloc = "";
  if (url.startsWith("//")) {
    let end = url.length;
    for (const c of "/?#") {
      const i = url.indexOf(c, 2);
      if (i >= 0) end = Math.min(end, i);
    }
    netloc = url.slice(2, end);
    url = url.slice(end);
  }
  const hash = url.indexOf("#");
  if (hash >= 0) url = url.slice(0, hash);
  const query = url.indexOf("?");
  if (query >= 0) url = url.slice(0, query);
  if (USES_PARAMS.has(scheme) && url.includes(";")) {
    const semi = url.includes("/") ? url.indexOf(";", url.lastIndexOf("/")) : url.indexOf(";");
    if (semi >= 0) url = url.slice(0, semi);
  }
  return { scheme, netloc, path: url };
}
