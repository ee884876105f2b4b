package org.spsec.core.role;

/** Why a Configurator operation failed; each maps to a clear message for people. */
public enum ConfiguratorError {
    UNKNOWN_REGISTER,
    ACCESS_DENIED,
    WRONG_LENGTH,
    AUTHENTICATION_FAILED,
    TIMEOUT,
    PARTICIPANT_ABSENT,
    REFUSED,
    NOT_OPEN,
    COUNTER_EXHAUSTED
}
