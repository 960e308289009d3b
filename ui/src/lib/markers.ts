// Markers on <body> that the end-to-end tests wait for instead of sleeping.

export function setReady(ready: boolean): void {
  if (ready) document.body.dataset.ready = "true";
  else delete document.body.dataset.ready;
}

export function setDocReady(relPath: string | null): void {
  if (relPath === null) delete document.body.dataset.docReady;
  else document.body.dataset.docReady = relPath;
}
