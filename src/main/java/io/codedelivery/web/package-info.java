/**
 * What browsers and HTTP clients reach: the REST API, the map page from {@code webroot/}, and the SockJS
 * event-bus bridge through which a browser starts deliveries and listens to the ones it watches.
 *
 * <p>One API class per resource ({@code RouteApi}, {@code DeliveryApi}, {@code PageConfigApi}), each with
 * {@code mount(Router)}; {@code WebVerticle} only builds the router from them and serves it. Every answer goes
 * through {@link io.codedelivery.ops.JsonResponse}, every error through {@link io.codedelivery.ops.ApiError}.
 */
package io.codedelivery.web;
