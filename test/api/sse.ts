/** A small SSE reader for tests: yields { event, id, data } per message until the stream ends. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: any;
}

export async function* readSse(res: Response): AsyncGenerator<SseMessage> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const msg: { event: string; id: string | undefined; data: string } = { event: "message", id: undefined, data: "" };
      let isComment = true;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        isComment = false;
        const [key, ...rest] = line.split(":");
        const val = rest.join(":").replace(/^ /, "");
        if (key === "event") msg.event = val;
        else if (key === "id") msg.id = val;
        else if (key === "data") msg.data += val;
      }
      if (!isComment) yield { ...msg, data: JSON.parse(msg.data) };
    }
  }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
