/**
 * MongoDB: start-up migrations and the route catalogue, the persistence verticle that stores every position
 * exactly once and keeps one never-backwards state document per delivery, and the queries the REST API serves.
 */
package io.codedelivery.persistence;
