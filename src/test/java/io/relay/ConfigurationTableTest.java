package io.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;


/** The configuration table in docs/configuration.md lists exactly the settings of {@link RelayConfig}, with their env names and defaults. */
class ConfigurationTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(relay\\.[a-z.-]+)` \\| `([A-Z_]+)` \\| (.+?) \\|", Pattern.MULTILINE);

    @Test
    void configurationTableMatchesRelayConfig() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
        while (row.find()) {
            String property = row.group(1);
            assertEquals(RelaySettings.envName(property), row.group(2), "env name of " + property);
            String defaultValue = row.group(3).startsWith("`") ? row.group(3).replace("`", "") : "";
            documented.put(property, defaultValue);
        }
        assertEquals(RelaySettings.all(), documented);
    }
}
