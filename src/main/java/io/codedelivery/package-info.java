/**
 * Start-up of Code Delivery: {@link io.codedelivery.Main} reads the configuration, and the
 * {@link io.codedelivery.Application} wires infrastructure, the roles' verticles and what they share. The only
 * package that imports the roles; nothing imports it.
 */
package io.codedelivery;
