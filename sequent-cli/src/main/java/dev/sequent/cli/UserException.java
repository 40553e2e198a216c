package dev.sequent.cli;

/** A problem the user can fix (bad file, bad option): printed without a stack trace, exit code 1. */
public final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserException(String message) {
    super(message);
  }
}
