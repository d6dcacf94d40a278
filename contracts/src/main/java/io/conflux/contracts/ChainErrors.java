package io.conflux.contracts;

import io.conflux.contracts.generated.ConfluxVault;
import io.conflux.contracts.generated.ModelRegistry;
import org.web3j.abi.CustomErrorEncoder;
import org.web3j.abi.datatypes.CustomError;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the contract error behind a failed call: the node returns the revert data (a 4-byte selector and the
 * arguments), and the generated wrappers declare every custom error of their contract, OpenZeppelin's included.
 */
public final class ChainErrors {

    private static final Pattern RETURN_DATA = Pattern.compile("(?:return data|data)[:=]\\s*\"?(0x[0-9a-fA-F]{8,})");
    private static final Pattern REASON = Pattern.compile("reverted with (?:reason string|custom error) '([^']+)'");
    private static final Map<String, String> BY_SELECTOR = new HashMap<>();

    static {
        register(ConfluxVault.class);
        register(ModelRegistry.class);
    }

    private ChainErrors() {}

    /** Adds the custom errors a (generated) wrapper class declares. */
    public static synchronized void register(Class<?> wrapper) {
        for (Field f : wrapper.getFields()) {
            if (f.getType() != CustomError.class || !Modifier.isStatic(f.getModifiers())) continue;
            try {
                CustomError e = (CustomError) f.get(null);
                BY_SELECTOR.put(CustomErrorEncoder.encode(e).substring(0, 10).toLowerCase(java.util.Locale.ROOT), e.getName());
            } catch (IllegalAccessException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** The contract error's name (e.g. {@code EpochAlreadySettled}), if the failure carries one. */
    public static synchronized Optional<String> name(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            Matcher d = RETURN_DATA.matcher(m);
            while (d.find()) {
                String name = BY_SELECTOR.get(d.group(1).substring(0, 10).toLowerCase(java.util.Locale.ROOT));
                if (name != null) return Optional.of(name);
            }
            Matcher r = REASON.matcher(m);
            if (r.find()) return Optional.of(r.group(1).replaceAll("\\(.*", ""));
        }
        return Optional.empty();
    }
}
