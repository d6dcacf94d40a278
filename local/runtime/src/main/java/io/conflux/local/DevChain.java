package io.conflux.local;

import io.conflux.contracts.Chain;
import io.conflux.contracts.HardhatNode;
import io.conflux.contracts.SettlementContracts;
import io.conflux.settle.SettleHandler;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local runtime's chain: a Hardhat node on loopback (chain id 31337) with the settlement contracts deployed as
 * in production (a six-decimal stablecoin standing in for USDC, the model registry and the vault). The admin is a
 * fresh key each run (funded by Hardhat's account #0), so the contracts' addresses differ from run to run and a
 * persistent runtime's settlement records, kept per vault, never meet another run's chain. Hardhat's well-known
 * development accounts play the other roles: #1 the settler (minted profits to bring in), #2 the fee recipient;
 * #3 onwards are free for traders and investors. These keys are public knowledge: never use them on a real chain.
 */
public final class DevChain implements AutoCloseable {
    /** Whole stablecoin units the settler starts with, to bring the agent's profits into the vault. */
    static final long SETTLER_FLOAT = 10_000_000;

    private final HardhatNode node;
    private final Chain chain;
    private final Chain.Account admin;
    private final Chain.Account settler;
    private final Chain.Account feeRecipient;
    private final SettlementContracts contracts;
    private final long vaultBlock;

    private DevChain(HardhatNode node, Chain chain, Chain.Account admin, Chain.Account settler, Chain.Account feeRecipient,
                     SettlementContracts contracts, long vaultBlock) {
        this.node = node;
        this.chain = chain;
        this.admin = admin;
        this.settler = settler;
        this.feeRecipient = feeRecipient;
        this.contracts = contracts;
        this.vaultBlock = vaultBlock;
    }

    public static DevChain start() {
        HardhatNode node = HardhatNode.start();
        try {
            Chain chain = Chain.local(node.rpcUrl());
            List<String> keys = node.privateKeys();
            Chain.Account admin = chain.account(freshFundedKey(chain, chain.account(keys.get(0))));
            Chain.Account settler = chain.account(keys.get(1));
            Chain.Account fees = chain.account(keys.get(2));
            String token = SettlementContracts.deployStablecoin(chain, admin);
            long block = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
            SettlementContracts contracts = SettlementContracts.deploy(chain, admin, token, fees.address(), settler.address(), 0);
            contracts.stablecoin(chain, admin).mint(settler.address(), BigInteger.valueOf(SETTLER_FLOAT).multiply(BigInteger.TEN.pow(6))).send();
            return new DevChain(node, chain, admin, settler, fees, contracts, block);
        } catch (Exception e) {
            node.close();
            throw new IllegalStateException("cannot deploy the settlement contracts on the local chain: " + e.getMessage() + "\n" + node.output(), e);
        } catch (Error e) {
            node.close(); // never leave the node process behind
            throw e;
        }
    }

    private static String freshFundedKey(Chain chain, Chain.Account funder) throws Exception {
        org.web3j.crypto.ECKeyPair pair = org.web3j.crypto.Keys.createEcKeyPair();
        String key = "0x" + org.web3j.utils.Numeric.toHexStringNoPrefixZeroPadded(pair.getPrivateKey(), 64);
        String address = org.web3j.crypto.Credentials.create(pair).getAddress();
        new org.web3j.tx.Transfer(chain.web3j(), funder.transactions())
                .sendFunds(address, java.math.BigDecimal.valueOf(100), org.web3j.utils.Convert.Unit.ETHER).send();
        return key;
    }

    /** What the settle function and the API read (the settler's key in the clear: a public development key). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(SettleHandler.RPC, node.rpcUrl());
        env.put(SettleHandler.VAULT, contracts.vault());
        env.put(SettleHandler.REGISTRY, contracts.registry());
        env.put(SettleHandler.TOKEN, contracts.token());
        env.put(SettleHandler.VAULT_BLOCK, Long.toString(vaultBlock));
        env.put(SettleHandler.SETTLER_KEY, node.privateKeys().get(1));
        return env;
    }

    public Chain chain() {
        return chain;
    }

    public SettlementContracts contracts() {
        return contracts;
    }

    public Chain.Account admin() {
        return admin;
    }

    /** Development account {@code i} (3..19): a trader's or an investor's wallet, with 10,000 ETH for gas. */
    public Chain.Account account(int i) {
        if (i < 3 || i >= node.privateKeys().size()) throw new IllegalArgumentException("accounts 3.." + (node.privateKeys().size() - 1) + " are free, not " + i);
        return chain.account(node.privateKeys().get(i));
    }

    public String privateKey(int i) {
        return node.privateKeys().get(i);
    }

    public String rpcUrl() {
        return node.rpcUrl();
    }

    public String describe() {
        return String.join("\n",
                "  chain        " + node.rpcUrl() + "   Hardhat, chain id " + chain.chainId(),
                "  contracts    vault " + contracts.vault() + ", registry " + contracts.registry() + ", stablecoin " + contracts.token(),
                "  accounts     admin " + admin.address() + ", settler " + settler.address() + ", fees " + feeRecipient.address()
                        + "; #3-#19 free (Hardhat's public development keys)");
    }

    @Override
    public void close() {
        chain.close();
        node.close();
    }
}
