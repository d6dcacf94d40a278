package io.conflux.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** The heap's peak over a stretch of work: the sum of the heap pools' peaks (garbage included, so an upper bound). */
final class HeapPeak {
    private HeapPeak() {}

    static void reset() {
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) if (m.getType() == MemoryType.HEAP) m.resetPeakUsage();
    }

    static long peak() {
        long peak = 0;
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) if (m.getType() == MemoryType.HEAP) peak += m.getPeakUsage().getUsed();
        return peak;
    }

    static long used() {
        long used = 0;
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans()) if (m.getType() == MemoryType.HEAP) used += m.getUsage().getUsed();
        return used;
    }
}
