/**
 * The pipeline benchmark, a source root of its own ({@code src/bench/java}) that only the Maven profile
 * {@code bench} compiles, against the test classes (it starts the stack with
 * {@link io.codedelivery.support.TestStack}). {@link io.codedelivery.bench.PipelineBenchmark} runs it; the load is
 * a {@link io.codedelivery.bench.Fleet} of simulated deliveries and SockJS subscribers
 * ({@link io.codedelivery.bench.SubscriberPool} in this JVM, {@link io.codedelivery.bench.SubscriberProcess} in
 * another); {@link io.codedelivery.bench.Metering} measures the window, {@link io.codedelivery.bench.StoreCheck}
 * checks the store afterwards and {@link io.codedelivery.bench.Report} prints and writes the result.
 * {@link io.codedelivery.bench.GatewayBenchmark} ({@code --gateway-only}) measures the Kafka → browser path alone,
 * its server, broker, producer and subscribers each in a JVM of their own.
 */
package io.codedelivery.bench;
