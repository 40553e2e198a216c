package dev.sequent.server;

/** A request the server cannot act on; answered with 400 and the message. */
final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadRequestException(String message) {
    super(message);
  }
}
