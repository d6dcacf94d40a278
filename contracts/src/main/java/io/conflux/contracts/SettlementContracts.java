package io.conflux.contracts;

import io.conflux.contracts.generated.ConfluxVault;
import io.conflux.contracts.generated.ModelRegistry;
import io.conflux.contracts.generated.TestStablecoin;

import java.math.BigInteger;

/**
 * Where the settlement contracts live on a chain: the stablecoin the vault holds, the model registry and the
 * vault. {@link #deploy} puts up a fresh set (tests, the local runtime); a deployed set is loaded by address.
 */
public record SettlementContracts(String token, String registry, String vault) {

    /**
     * Deploys the registry and the vault over {@code token}, with {@code admin} as their admin, and gives
     * {@code settler} the settler role on the vault and the publisher role on the registry.
     */
    public static SettlementContracts deploy(Chain chain, Chain.Account admin, String token, String feeRecipient, String settler, long firstEpoch)
            throws Exception {
        ModelRegistry registry = ModelRegistry.deploy(chain.web3j(), admin.transactions(), chain.gas(), admin.address()).send();
        ConfluxVault vault = ConfluxVault.deploy(chain.web3j(), admin.transactions(), chain.gas(), token, registry.getContractAddress(),
                admin.address(), feeRecipient, BigInteger.valueOf(firstEpoch)).send();
        vault.grantRole(vault.SETTLER_ROLE().send(), settler).send();
        vault.grantRole(vault.PAUSER_ROLE().send(), admin.address()).send();
        registry.grantRole(registry.PUBLISHER_ROLE().send(), settler).send();
        return new SettlementContracts(token, registry.getContractAddress().toLowerCase(java.util.Locale.ROOT),
                vault.getContractAddress().toLowerCase(java.util.Locale.ROOT));
    }

    /** A local stablecoin (six decimals) whose owner mints it. */
    public static String deployStablecoin(Chain chain, Chain.Account owner) throws Exception {
        return TestStablecoin.deploy(chain.web3j(), owner.transactions(), chain.gas(), owner.address()).send().getContractAddress()
                .toLowerCase(java.util.Locale.ROOT);
    }

    public ConfluxVault vault(Chain chain, Chain.Account as) {
        return ConfluxVault.load(vault, chain.web3j(), as.transactions(), chain.gas());
    }

    public ModelRegistry registry(Chain chain, Chain.Account as) {
        return ModelRegistry.load(registry, chain.web3j(), as.transactions(), chain.gas());
    }

    public TestStablecoin stablecoin(Chain chain, Chain.Account as) {
        return TestStablecoin.load(token, chain.web3j(), as.transactions(), chain.gas());
    }
}
