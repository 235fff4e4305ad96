/**
 * Who may see and do what: operator accounts and their roles, sign-in sessions, customers' tracking links, and
 * the checks that the REST API, the pages and the SockJS bridge make with them. Tokens are JWTs of Vert.x's
 * auth module; passwords are hashed with its PBKDF2.
 */
package io.codedelivery.access;
