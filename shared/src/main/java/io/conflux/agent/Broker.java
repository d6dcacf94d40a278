package io.conflux.agent;

import java.time.Instant;
import java.util.Optional;

/**
 * Where orders go: the paper broker in the backtester and by default in the agent, or an exchange. An order
 * carries a client order id derived from the tick, so placing it twice (a retried tick) fills it once.
 */
public interface Broker {

    /** A market order: buy ({@code quantity > 0}) or sell ({@code quantity < 0}) this many base units. */
    record Order(String clientOrderId, Market market, long quantity, Instant placedAt) {
        public Order {
            if (clientOrderId == null || clientOrderId.isBlank()) throw new IllegalArgumentException("an order needs a client order id");
            if (quantity == 0) throw new IllegalArgumentException("an order moves a quantity");
        }
    }

    /** Places the order; the fill, or empty when it did not fill (e.g. no next price yet). The same id again returns the first fill. */
    Optional<Fill> place(Order order);
}
