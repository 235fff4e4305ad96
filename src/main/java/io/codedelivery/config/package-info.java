/**
 * Configuration: every key defined once ({@link io.codedelivery.config.Setting}), read from {@code conf/} with
 * environment-variable overrides and checked at start-up ({@link io.codedelivery.config.AppConfig}), and the
 * roles a process may run ({@link io.codedelivery.config.Role}).
 */
package io.codedelivery.config;
