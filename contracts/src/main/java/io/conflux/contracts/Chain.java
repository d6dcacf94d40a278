package io.conflux.contracts;

import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.DynamicGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * A connection to an EVM chain over JSON-RPC: accounts that sign locally (the key never goes to the node),
 * receipts polled at a stated interval (web3j's default of 15 s is for mainnet; a local chain mines at once), gas
 * priced by the node and each transaction's gas estimated, which also runs it first: a transaction that would revert
 * fails before it is sent, with the contract's error (see {@link ChainErrors}).
 */
public final class Chain implements AutoCloseable {

    private final HttpService http;
    private final Web3j web3j;
    private final long chainId;
    private final Duration poll;
    private final int attempts;

    private Chain(HttpService http, Web3j web3j, long chainId, Duration poll, int attempts) {
        this.http = http;
        this.web3j = web3j;
        this.chainId = chainId;
        this.poll = poll;
        this.attempts = attempts;
    }

    /** A local chain: receipts polled every 50 ms, for up to a minute. */
    public static Chain local(String rpcUrl) {
        return connect(rpcUrl, Duration.ofMillis(50), Duration.ofMinutes(1));
    }

    public static Chain connect(String rpcUrl, Duration poll, Duration receiptTimeout) {
        HttpService http = new HttpService(rpcUrl);
        Web3j web3j = Web3j.build(http);
        try {
            long id = web3j.ethChainId().send().getChainId().longValueExact();
            return new Chain(http, web3j, id, poll, (int) Math.max(1, receiptTimeout.toMillis() / Math.max(1, poll.toMillis())));
        } catch (IOException e) {
            web3j.shutdown();
            throw new UncheckedIOException("cannot reach the chain at " + rpcUrl + ": " + e.getMessage(), e);
        }
    }

    /** An account that signs with {@code privateKey} (hex). */
    public Account account(String privateKey) {
        Credentials c = Credentials.create(privateKey);
        return new Account(c, new RawTransactionManager(web3j, c, chainId, new PollingTransactionReceiptProcessor(web3j, poll.toMillis(), attempts)));
    }

    public record Account(Credentials credentials, TransactionManager transactions) {
        /** The address, lower-case with 0x. */
        public String address() {
            return credentials.getAddress().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ContractGasProvider gas() {
        return new DynamicGasProvider(web3j);
    }

    public Web3j web3j() {
        return web3j;
    }

    public long chainId() {
        return chainId;
    }

    /** A raw JSON-RPC call (node-specific methods such as Hardhat's evm_*). */
    public Object rpc(String method, List<?> params) {
        try {
            Response<?> r = new Request<>(method, params, http, ObjectResponse.class).send();
            if (r.hasError()) throw new IllegalStateException(method + ": " + r.getError().getMessage());
            return r.getResult();
        } catch (IOException e) {
            throw new UncheckedIOException(method + ": " + e.getMessage(), e);
        }
    }

    public static final class ObjectResponse extends Response<Object> {}

    @Override
    public void close() {
        web3j.shutdown();
    }
}
