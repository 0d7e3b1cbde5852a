package dev.flywheel.targeting;

/** MurmurHash3 x86 32-bit, the hash flagd's fractional operator buckets with (seed 0, UTF-8 input). */
public final class MurmurHash3 {

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private MurmurHash3() {
    }

    public static int hash32(byte[] data, int seed) {
        int h = seed;
        int blocks = data.length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16
                    | (data[at + 3] & 0xff) << 24;
            k *= C1;
            k = Integer.rotateLeft(k, 15);
            k *= C2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3 :
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2 :
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1 :
                k ^= data[tail] & 0xff;
                k *= C1;
                k = Integer.rotateLeft(k, 15);
                k *= C2;
                h ^= k;
                break;
            default :
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** The unsigned hash of a string's UTF-8 bytes with seed 0. */
    public static long unsignedHash(String value) {
        return hash32(value.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0) & 0xFFFFFFFFL;
    }
}
