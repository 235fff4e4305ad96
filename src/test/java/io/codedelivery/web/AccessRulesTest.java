package io.codedelivery.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.codedelivery.access.OperatorRole.Permission;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The permission each API call needs, as a table: reading the fleet needs {@code see_fleet} (any role), starting,
 * ending and withdrawing links of deliveries {@code dispatch}, and everything else (users, devices, routes, any
 * write not named here) {@code administer}.
 */
class AccessRulesTest {
  private static final String ID = "9b2f6d0e-3c1a-4a8e-9f57-0c6e1b2d3a4f";

  @ParameterizedTest(name = "{0} {1} needs {2}")
  @CsvSource(delimiter = '|', textBlock = """
      GET     | /api/deliveries                                  | SEE_FLEET
      GET     | /api/deliveries/{id}                             | SEE_FLEET
      GET     | /api/deliveries/{id}/positions                   | SEE_FLEET
      HEAD    | /api/deliveries                                  | SEE_FLEET
      OPTIONS | /api/deliveries                                  | SEE_FLEET
      GET     | /api/devices                                     | SEE_FLEET
      GET     | /api/devices/imei:3512                           | SEE_FLEET
      GET     | /api/devices/imei:3512/delivery                  | SEE_FLEET
      GET     | /api/routes                                      | SEE_FLEET
      GET     | /api/deliveries/{id}/events                      | SEE_FLEET
      GET     | /api/routes/1                                    | SEE_FLEET
      GET     | /api/anything-added-later                        | SEE_FLEET
      POST    | /api/deliveries                                  | DISPATCH
      POST    | /api/deliveries/                                 | DISPATCH
      POST    | /api/deliveries/{id}/complete                    | DISPATCH
      POST    | /api/deliveries/{id}/cancel                      | DISPATCH
      POST    | /api/deliveries/{id}/tracking-link/revoke        | DISPATCH
      PUT     | /api/deliveries                                  | ADMINISTER
      DELETE  | /api/deliveries/{id}                             | ADMINISTER
      PUT     | /api/deliveries/{id}/complete                    | ADMINISTER
      POST    | /api/deliveries/{id}/positions                   | ADMINISTER
      POST    | /api/deliveries/{id}/tracking-link               | ADMINISTER
      POST    | /api/deliveries/{id}/x/complete                  | ADMINISTER
      POST    | /api/deliveries/{id}/completed                   | ADMINISTER
      POST    | /api/deliveriesx                                 | ADMINISTER
      POST    | /api/devices                                     | ADMINISTER
      DELETE  | /api/devices/imei:3512                           | ADMINISTER
      POST    | /api/routes                                      | ADMINISTER
      POST    | /api/anything-added-later                        | ADMINISTER
      PATCH   | /api/deliveries/{id}                             | ADMINISTER
      GET     | /api/users                                       | ADMINISTER
      HEAD    | /api/users                                       | ADMINISTER
      GET     | /api/users/dana                                  | ADMINISTER
      POST    | /api/users                                       | ADMINISTER
      PUT     | /api/users/dana                                  | ADMINISTER
      DELETE  | /api/users/dana                                  | ADMINISTER
      GET     | /api/webhooks                                    | ADMINISTER
      GET     | /api/webhooks/w1/deliveries                      | ADMINISTER
      POST    | /api/webhooks                                    | ADMINISTER
      DELETE  | /api/webhooks/w1                                 | ADMINISTER
      """)
  void eachCallNeedsItsPermission(String method, String path, Permission needed) {
    assertThat(AccessRules.permissionFor(HttpMethod.valueOf(method), path.replace("{id}", ID))).isEqualTo(needed);
  }
}
