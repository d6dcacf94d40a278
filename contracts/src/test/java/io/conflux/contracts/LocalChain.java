package io.conflux.contracts;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.List;

/**
 * JUnit extension: one Hardhat node for the whole test run (started by the first test class that asks, stopped
 * when the run ends), handed to tests as a parameter. Tests deploy their own contracts, so they do not share state.
 */
public final class LocalChain implements ParameterResolver {

    /** The node and a connection to it. */
    public record Node(HardhatNode hardhat, Chain chain) implements AutoCloseable {
        public Chain.Account account(int i) {
            List<String> keys = hardhat.privateKeys();
            return chain.account(keys.get(i));
        }

        @Override
        public void close() {
            chain.close();
            hardhat.close();
        }
    }

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LocalChain.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Node.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return get(c);
    }

    public static Node get(ExtensionContext c) {
        return c.getRoot().getStore(NS).getOrComputeIfAbsent("node", k -> {
            HardhatNode h = HardhatNode.start();
            return new Node(h, Chain.local(h.rpcUrl()));
        }, Node.class);
    }
}
