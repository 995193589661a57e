package io.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The README's configuration table lists exactly the settings of {@link RelayConfig}, with their env names and defaults. */
class ConfigurationTableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(relay\\.[a-z.-]+)` \\| `([A-Z_]+)` \\| (.+?) \\|", Pattern.MULTILINE);

    @Test
    void readmeTableMatchesRelayConfig() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            String property = row.group(1);
            assertEquals(property.toUpperCase().replace('.', '_').replace('-', '_'), row.group(2), "env name of " + property);
            String defaultValue = row.group(3).startsWith("`") ? row.group(3).replace("`", "") : "";
            documented.put(property, defaultValue);
        }
        Map<String, String> declared = new TreeMap<>();
        collect(RelayConfig.class, "relay.", declared);
        assertEquals(declared, documented);
    }

    private static void collect(Class<?> type, String prefix, Map<String, String> into) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName name = method.getAnnotation(WithName.class);
            String property = prefix + (name != null ? name.value() : kebab(method.getName()));
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getEnclosingClass() == RelayConfig.class) {
                collect(returned, property + ".", into);
            } else {
                WithDefault defaultValue = method.getAnnotation(WithDefault.class);
                into.put(property, defaultValue == null ? "" : defaultValue.value());
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
