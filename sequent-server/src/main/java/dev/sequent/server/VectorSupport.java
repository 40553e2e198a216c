package dev.sequent.server;

/** Whether the incubating Vector API is present in this JVM ({@code --add-modules jdk.incubator.vector}). */
final class VectorSupport {
  static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("sequent.scalar");

  private VectorSupport() {}
}
