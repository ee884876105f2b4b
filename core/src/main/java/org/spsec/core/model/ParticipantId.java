package org.spsec.core.model;

/** A participant's unique ID on the network, 1..127 (the low seven bits of control-plane identifiers). */
public record ParticipantId(int value) {
    public static final int MIN = 1;
    public static final int MAX = 127;

    public ParticipantId {
        if (value < MIN || value > MAX) {
            throw new IllegalArgumentException("participant ID must be 1..127, got " + value);
        }
    }

    public static ParticipantId of(int value) {
        return new ParticipantId(value);
    }

    public static boolean isValid(int value) {
        return value >= MIN && value <= MAX;
    }

    @Override
    public String toString() {
        return "P" + value;
    }
}
