// Designs uploaded from this browser, remembered by id in localStorage. The API has no "my
// uploads" listing (uploads have no account), and private uploads never appear in the public
// gallery, so this is how people find their own designs again under the "Uploads" tab.
const KEY = 'goodgreets.uploads';
const MAX = 50;

export function myUploadIds(): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberUpload(id: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify([id, ...myUploadIds().filter((x) => x !== id)].slice(0, MAX)));
  } catch {
    // Storage unavailable: the upload still works, it is just not listed under Uploads.
  }
}

export function forgetUpload(id: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(myUploadIds().filter((x) => x !== id)));
  } catch {
    // ignore
  }
}
