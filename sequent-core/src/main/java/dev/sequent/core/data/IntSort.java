package dev.sequent.core.data;

/** A stable sort of int ranges with a primitive comparator, so sorting rows does not box. */
final class IntSort {
  private static final int INSERTION_THRESHOLD = 24;

  /** Compares two ints (e.g. row numbers) by whatever they refer to. */
  @FunctionalInterface
  interface IntComparator {
    int compare(int a, int b);
  }

  private IntSort() {}

  static boolean isSorted(int[] values, int from, int to, IntComparator order) {
    for (int i = from + 1; i < to; i++) {
      if (order.compare(values[i - 1], values[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Sorts {@code values[from, to)} stably (equal elements keep their relative order). */
  static void stableSort(int[] values, int from, int to, IntComparator order) {
    if (to - from < 2 || isSorted(values, from, to, order)) {
      return;
    }
    int[] buffer = new int[to - from];
    mergeSort(values, from, to, order, buffer);
  }

  private static void mergeSort(int[] a, int from, int to, IntComparator order, int[] buffer) {
    int n = to - from;
    if (n <= INSERTION_THRESHOLD) {
      for (int i = from + 1; i < to; i++) {
        int value = a[i];
        int j = i - 1;
        while (j >= from && order.compare(a[j], value) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = value;
      }
      return;
    }
    int mid = from + n / 2;
    mergeSort(a, from, mid, order, buffer);
    mergeSort(a, mid, to, order, buffer);
    if (order.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, buffer, 0, n);
    int left = 0;
    int leftEnd = mid - from;
    int right = leftEnd;
    int out = from;
    while (left < leftEnd && right < n) {
      // "<=" takes the left element on ties, which keeps the sort stable.
      a[out++] = order.compare(buffer[left], buffer[right]) <= 0 ? buffer[left++] : buffer[right++];
    }
    while (left < leftEnd) {
      a[out++] = buffer[left++];
    }
    while (right < n) {
      a[out++] = buffer[right++];
    }
  }
}
