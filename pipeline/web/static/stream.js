// Dedicated worker holding the page's EventSource on /events/stream; forwards each message.
"use strict";
const stream = new EventSource("/events/stream");
for (const type of ["snapshot", "update", "status"]) {
  stream.addEventListener(type, (ev) => postMessage({ type, data: ev.data }));
}
stream.onopen = () => postMessage({ type: "open" });
stream.onerror = () => postMessage({ type: "error" });
