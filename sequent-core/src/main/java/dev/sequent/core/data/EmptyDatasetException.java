package dev.sequent.core.data;

/**
 * Preprocessing removed every interaction (or the source held none). The message names the step
 * that emptied the dataset and the preprocessing settings, so the user knows which option to relax.
 */
public class EmptyDatasetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmptyDatasetException(String message) {
    super(message);
  }
}
