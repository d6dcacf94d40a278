package io.conflux.agent;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The book in exact units: value is conserved through any sequence of fills, and rounding never favours the book. */
class PortfolioTest {
    private static final Market M = Market.btcUsdt();

    @Test
    void cashPlusCostBasisMinusRealizedPnl_isTheStartingCash_throughAnySequenceOfFills() {
        long start = 10_000_000_000L; // 10,000 USDT
        Portfolio book = Portfolio.ofCash(M, start);
        PaperBroker broker = new PaperBroker(10, 5);
        SplittableRandom r = new SplittableRandom(4);
        long fees = 0, traded = 0;
        for (int i = 0; i < 500; i++) {
            double price = 20_000 + r.nextDouble() * 20_000;
            PaperBroker.Quote q = new PaperBroker.Quote(Instant.ofEpochSecond(i * 3600L), price);
            long qty;
            if (r.nextBoolean() && book.cash() > 1_000_000) {
                qty = M.quantityFor(book.cash() / 3, price);
            } else if (book.position() > 0) {
                qty = -(r.nextInt(4) == 0 ? book.position() : 1 + r.nextLong(book.position()));
            } else {
                continue;
            }
            if (qty == 0) continue;
            Fill f = broker.fill(new Broker.Order("o" + i, M, qty, q.at()), q);
            book = book.apply(f);
            fees += f.fee();
            traded += f.notional();
            assertEquals(start, book.cash() + book.costBasis() - book.realizedPnl(), "conservation after fill " + i);
        }
        assertEquals(fees, book.feesPaid());
        assertEquals(traded, book.tradedNotional());
        if (book.position() > 0) {
            Fill last = broker.fill(new Broker.Order("close", M, -book.position(), Instant.EPOCH), new PaperBroker.Quote(Instant.EPOCH, 30_000));
            book = book.apply(last);
        }
        assertEquals(0, book.costBasis());
        assertEquals(start + book.realizedPnl(), book.cash(), "flat: the cash is the start plus what was realized");
    }

    @Test
    void buysRoundUp_sellsRoundDown_feesRoundUp_andSlippageGoesAgainstTheOrder() {
        PaperBroker broker = new PaperBroker(10, 5);
        PaperBroker.Quote q = new PaperBroker.Quote(Instant.EPOCH, 33_333.33);
        Fill buy = broker.fill(new Broker.Order("b", M, 12_345_679, Instant.EPOCH), q); // 0.12345679 BTC
        BigDecimal exact = new BigDecimal("0.12345679").multiply(BigDecimal.valueOf(33_333.33 * 1.0005)).movePointRight(6);
        assertEquals(exact.setScale(0, RoundingMode.CEILING).longValueExact(), buy.notional());
        assertEquals(33_333.33 * 1.0005, buy.price(), 1e-9);
        assertEquals((long) Math.ceil(buy.notional() * 0.001), buy.fee());
        Fill sell = broker.fill(new Broker.Order("s", M, -12_345_679, Instant.EPOCH), q);
        assertEquals(new BigDecimal("0.12345679").multiply(BigDecimal.valueOf(33_333.33 * 0.9995)).movePointRight(6).setScale(0, RoundingMode.FLOOR)
                .longValueExact(), sell.notional());
        assertTrue(sell.notional() < buy.notional());
    }

    @Test
    void aBookNeverGoesShortOrIntoDebt() {
        Portfolio book = Portfolio.ofCash(M, 1_000_000); // 1 USDT
        Fill tooBig = new Fill("x", Instant.EPOCH, 30_000, 100_000, 30_000_000, 30_000);
        assertThrows(IllegalArgumentException.class, () -> book.apply(tooBig));
        Fill sale = new Fill("y", Instant.EPOCH, 30_000, -1, 300, 1);
        assertThrows(IllegalArgumentException.class, () -> book.apply(sale));
        assertEquals(3_000_000_000L, M.notional(10_000_000, 30_000, RoundingMode.FLOOR), "0.1 BTC at 30,000 is 3,000 USDT");
        assertEquals(10_000_000, M.quantityFor(3_000_000_000L, 30_000));
    }

    @Test
    void aCandlesNameNamesItsMarket() {
        assertEquals(Market.btcUsdt(), Market.ofCandles("btc-usdt-1h"));
        assertEquals("ETH-USDT", Market.ofCandles("eth-usdt-1d").symbol());
        assertThrows(IllegalArgumentException.class, () -> Market.ofCandles("btcusdt"));
    }
}
