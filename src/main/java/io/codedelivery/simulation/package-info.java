/**
 * The vehicles: consumes {@code route.new-direction} in a shared group, drives one simulated vehicle per delivery
 * along its route on a single timer, and publishes every position to {@code route.new-position}.
 */
package io.codedelivery.simulation;
