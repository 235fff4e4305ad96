/**
 * What browsers and HTTP clients reach: the REST API, the map page from {@code webroot/}, and the SockJS
 * event-bus bridge through which a browser starts deliveries and listens to the ones it watches.
 */
package io.codedelivery.web;
