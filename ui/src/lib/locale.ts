// WebKitGTK reports the POSIX locale as the browser language, so under LANG=C (common on servers,
// containers and CI) `navigator.language` is "C" — not a BCP 47 tag. Intl constructors given it
// throw, and libraries that build a formatter when they load (uPlot does) would stop the whole app
// from starting. Imported first by main.ts, so the fallback is in place before any such module runs.
function validTag(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (!validTag(navigator.language)) {
  const languages = (navigator.languages ?? []).filter(validTag);
  const fallback = languages[0] ?? "en-US";
  Object.defineProperty(navigator, "language", { value: fallback, configurable: true });
  Object.defineProperty(navigator, "languages", { value: languages.length ? languages : [fallback], configurable: true });
}

export {};
