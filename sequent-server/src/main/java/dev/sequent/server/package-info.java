/**
 * {@code sequent serve}: the HTTP recommendation server on top of core's inference API.
 *
 * <h2>Request path</h2>
 * Jetty's network thread parses the request and reads its (small, bounded) body without blocking
 * ({@link dev.sequent.server.HttpApi}); the work then goes to one of a few single-threaded lanes with
 * bounded queues ({@link dev.sequent.server.Lanes}): every request about one user goes to that user's
 * lane, so a user's events apply atomically and in arrival order, and a full queue is answered at once
 * with 503 and {@code Retry-After}. Per user the server keeps the recent items and, for incremental
 * models, the recurrent state ({@link dev.sequent.server.UserState}) in a bounded LRU store
 * ({@link dev.sequent.server.StateStore}), snapshotted atomically to disk
 * ({@link dev.sequent.server.Snapshots}). An LRURec event is one allocation-free step
 * ({@code LruRecStepper}) plus an exact vectorised scan of the item table with a bounded heap
 * (core's {@code Recommender.topItems}, the evaluator's arithmetic).
 *
 * <h2>Why Jetty (12, core API, no servlets)</h2>
 * <ul>
 *   <li>Back-pressure under our control: the handler is non-blocking and reads bodies asynchronously, so
 *       Jetty never parks requests behind busy workers; our lanes decide between "run" and "503 now".
 *       The JDK's built-in {@code com.sun.net.httpserver} needs no dependency, but with a bounded executor
 *       a rejected exchange cannot be answered (the rejection only sees the server's internal task), so
 *       shedding load means answering from its single dispatcher thread, where one slow body read stalls
 *       every connection; it also needs {@code -Dsun.net.httpserver.nodelay=true} to avoid ~40 ms
 *       Nagle stalls on keep-alive connections.</li>
 *   <li>Measured on this 2-core machine with the same loopback client and a trivial JSON endpoint
 *       (bench/results/server.md, "HTTP library"): Jetty 32.8k requests/s at p50 104 µs / p99 345 µs,
 *       the JDK server (2-thread bounded pool, nodelay) 11.2k requests/s at p50 279 µs / p99 2.4 ms.</li>
 *   <li>Light and maintained: jetty-server, -http, -io and -util (about 2 MB) plus slf4j-api, released by
 *       the Eclipse Foundation every few weeks, Java 17. Undertow would also fit but brings XNIO and more
 *       moving parts; Helidon SE 4 needs Java 21; Javalin adds Kotlin on top of Jetty.</li>
 * </ul>
 */
package dev.sequent.server;
