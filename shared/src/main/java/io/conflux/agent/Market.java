package io.conflux.agent;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A spot market and its units. Amounts are integers: the quote currency in units of 10^-quoteDecimals
 * (micro-USDT for USDT with 6), the base asset in units of 10^-baseDecimals (satoshi for BTC with 8).
 * Prices stay decimals (what the exchange quotes); every product of a price and an amount is rounded once,
 * to an integer, with a stated rounding mode.
 */
public record Market(String symbol, int baseDecimals, int quoteDecimals) {

    public Market {
        if (symbol == null || !symbol.matches("[A-Z0-9]+-[A-Z0-9]+")) throw new IllegalArgumentException("a market is named like BTC-USDT: '" + symbol + "'");
        if (baseDecimals < 0 || baseDecimals > 18 || quoteDecimals < 0 || quoteDecimals > 18) throw new IllegalArgumentException("decimals must lie in 0..18");
    }

    /** BTC in satoshi, USDT in micro-units. */
    public static Market btcUsdt() {
        return new Market("BTC-USDT", 8, 6);
    }

    /** The market a candles name like {@code btc-usdt-1h} is of: BTC-USDT, in 8 base and 6 quote decimals. */
    public static Market ofCandles(String candlesName) {
        String[] parts = candlesName.split("-");
        if (parts.length < 3) throw new IllegalArgumentException("a candles name is like btc-usdt-1h: '" + candlesName + "'");
        return new Market((parts[0] + "-" + parts[1]).toUpperCase(java.util.Locale.ROOT), 8, 6);
    }

    public String base() {
        return symbol.substring(0, symbol.indexOf('-'));
    }

    public String quote() {
        return symbol.substring(symbol.indexOf('-') + 1);
    }

    /** The quote units {@code quantity} base units cost at {@code price}, rounded with {@code mode}. */
    public long notional(long quantity, double price, RoundingMode mode) {
        return BigDecimal.valueOf(quantity).multiply(BigDecimal.valueOf(price)).movePointLeft(baseDecimals - quoteDecimals)
                .setScale(0, mode).longValueExact();
    }

    /** The most base units {@code quoteUnits} buy at {@code price} (rounded down: never more than the cash). */
    public long quantityFor(long quoteUnits, double price) {
        if (!(price > 0)) throw new IllegalArgumentException("price must be positive");
        return BigDecimal.valueOf(quoteUnits).movePointRight(baseDecimals - quoteDecimals).divide(BigDecimal.valueOf(price), 0, RoundingMode.FLOOR)
                .longValueExact();
    }

    /** {@code amount} in whole units, for people: 12345678 satoshi -> 0.12345678. */
    public static BigDecimal whole(long amount, int decimals) {
        return new BigDecimal(BigInteger.valueOf(amount), decimals);
    }
}
