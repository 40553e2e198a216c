package dev.sequent.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty answers itself (unparseable HTTP, ambiguous URIs, ...) in the API's JSON shape,
 * {@code {"error": "..."}}, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) {
    byte[] body = HttpApi.json(g -> g.writeStringField("error", describe(code, message)));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static String describe(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    return message == null || message.isBlank() || message.equals(reason) ? "bad HTTP request: " + reason
        : "bad HTTP request: " + message;
  }
}
