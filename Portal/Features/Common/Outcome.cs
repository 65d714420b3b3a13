namespace Portal.Features.Common;

/// <summary>
/// Why a service refused. The kind decides the HTTP status in the API and the alert in the UI, so both say the same.
/// </summary>
public enum FailureKind
{
    Invalid = StatusCodes.Status400BadRequest,
    Unauthorized = StatusCodes.Status401Unauthorized,
    Forbidden = StatusCodes.Status403Forbidden,
    NotFound = StatusCodes.Status404NotFound,
    Conflict = StatusCodes.Status409Conflict,
    Gone = StatusCodes.Status410Gone,
    TooLarge = StatusCodes.Status413PayloadTooLarge,
}

/// <summary>A refusal with a sentence for people and, for bad input, the field it is about.</summary>
public sealed record Failure(FailureKind Kind, string Message, string? Field = null)
{
    public static Failure Invalid(string field, string message) => new(FailureKind.Invalid, message, field);
    public static Failure Conflict(string field, string message) => new(FailureKind.Conflict, message, field);
    public static Failure Gone(string field, string message) => new(FailureKind.Gone, message, field);
    public static Failure Forbidden(string message) => new(FailureKind.Forbidden, message);
    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);

    public static readonly Failure SignInRequired = new(FailureKind.Unauthorized, "Sign in first.");
}

/// <summary>What a service returns: a value, or the reason there is none. Services never throw for expected refusals.</summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public Failure? Failure { get; }

    public bool Succeeded => Failure is null;

#pragma warning disable CA2225 // The implicit conversions keep service code readable; Ok() is the named alternative.
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
#pragma warning restore CA2225
}

/// <summary>Named construction where an implicit conversion cannot be used (e.g. a null value).</summary>
public static class Outcome
{
    public static Outcome<T> Ok<T>(T value) => value;
}

/// <summary>For operations that return nothing when they succeed.</summary>
public readonly record struct Done;
