package io.relay;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Every relay.* setting declared by {@link RelayConfig}, with its default ("" when none), read by reflection. */
public final class RelaySettings {

    private RelaySettings() {
    }

    public static Map<String, String> all() {
        Map<String, String> settings = new TreeMap<>();
        collect(RelayConfig.class, "relay.", settings);
        return settings;
    }

    /** The environment variable MicroProfile Config maps to {@code property}. */
    public static String envName(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
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
