package io.codedelivery;

import io.codedelivery.config.Setting;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The README's configuration table and commands match the code, so the docs cannot drift silently. */
class ReadmeTest {

  @Test
  void theConfigurationTableListsEveryKeyWithItsVariableAndDefault() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Properties defaults = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of("conf/application.properties"))) {
      defaults.load(reader);
    }

    for (Setting setting : Setting.values()) {
      String value = defaults.getProperty(setting.key());
      String shown = value.isEmpty() ? "*(blank)*" : "`" + value + "`";
      assertThat(readme).as("README row of %s", setting.key())
          .contains("| `" + setting.key() + "` | `" + setting.envVar() + "` | " + shown + " |");
    }
  }

  @Test
  void ciRunsTheReadmesTestCommand() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String ci = Files.readString(Path.of(".ci/run"));

    assertThat(readme).contains("```bash\nmvn -B verify\n```");
    assertThat(ci.strip()).endsWith("mvn -B verify");
  }
}
