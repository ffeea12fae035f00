import {
  ErrorCodes,
  type DataCallback,
  type Message,
  type MessageReader,
  type MessageWriter,
  type RequestMessage,
  type ResponseMessage,
} from 'vscode-languageserver/node';

function isRequest(message: Message): message is RequestMessage {
  const candidate = message as Partial<RequestMessage>;
  return typeof candidate.method === 'string' && candidate.id !== undefined && candidate.id !== null;
}

/**
 * A reader that answers what the server must refuse before any handler sees it: a second
 * `initialize` (InvalidRequest) and an `initialize` without an object of params (InvalidParams,
 * where vscode-languageserver would fail on `params.processId` with an internal error). A read
 * error on a framed stream (a wrong Content-Length leaves the next bytes out of step) is answered
 * with a parse error and reported as unusable.
 */
export function guardInput(
  reader: MessageReader,
  writer: MessageWriter,
  options: { onShutdown(): void; onUnusable(reason: string): void; framed: boolean },
): MessageReader {
  let initialized = false;
  const refuse = (id: RequestMessage['id'], code: number, message: string): void => {
    const response: ResponseMessage = { jsonrpc: '2.0', id, error: { code, message } };
    void writer.write(response);
  };
  if (options.framed)
    reader.onError((error) => {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      const response: ResponseMessage = {
        jsonrpc: '2.0',
        id: null,
        error: { code: ErrorCodes.ParseError, message: `Unreadable message: ${reason}` },
      };
      // Answer first, then leave: the answer is the client's only clue.
      writer.write(response).then(
        () => options.onUnusable(reason),
        () => options.onUnusable(reason),
      );
    });
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback: DataCallback) =>
      reader.listen((message) => {
        if (isRequest(message)) {
          if (message.method === 'initialize') {
            if (initialized)
              return refuse(
                message.id,
                ErrorCodes.InvalidRequest,
                'initialize was already sent: it may be sent once.',
              );
            const params = message.params as { capabilities?: unknown } | null | undefined;
            if (
              params === null ||
              typeof params !== 'object' ||
              Array.isArray(params) ||
              typeof params.capabilities !== 'object' ||
              params.capabilities === null
            )
              return refuse(
                message.id,
                ErrorCodes.InvalidParams,
                'initialize needs params with "capabilities" (and "processId", "rootUri").',
              );
            initialized = true;
          } else if (message.method === 'shutdown') options.onShutdown();
        }
        callback(message);
      }),
  };
}
