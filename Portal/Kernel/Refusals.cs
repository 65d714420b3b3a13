namespace Portal.Kernel;

/// <summary>
/// Why a slice refused. The kind decides the HTTP status in the API and the alert in the UI, so both say the same.
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
    TooMany = StatusCodes.Status429TooManyRequests,
    Unavailable = StatusCodes.Status503ServiceUnavailable,
}

/// <summary>
/// A refusal: a stable <see cref="Code"/> for programs, tests and the audit trail (dotted, lower case, e.g.
/// <c>access.request.duplicate_pending</c>; every code is listed in docs/errors.md), a sentence for people and, for
/// bad input, the field it is about. Clients branch on the code, never on the sentence.
/// </summary>
public sealed record Failure(FailureKind Kind, string Code, string Message, string? Field = null)
{
    /// <summary>When one refusal has several causes (e.g. a profile contradicting three columns): each with its own code.</summary>
    public IReadOnlyList<FailureDetail>? Details { get; init; }

    public static Failure Invalid(string code, string field, string message) => new(FailureKind.Invalid, code, message, field);
    public static Failure Conflict(string code, string field, string message) => new(FailureKind.Conflict, code, message, field);
    public static Failure Gone(string code, string field, string message) => new(FailureKind.Gone, code, message, field);
    public static Failure Forbidden(string code, string message) => new(FailureKind.Forbidden, code, message);
    public static Failure NotFound(string code, string message) => new(FailureKind.NotFound, code, message);

    public static readonly Failure SignInRequired = new(FailureKind.Unauthorized, "auth.sign_in_required", "Sign in first.");
}

/// <summary>One cause of a refusal with several: the field (e.g. <c>columns.mrn</c>), its code and sentence.</summary>
public sealed record FailureDetail(string Field, string Code, string Message);

/// <summary>What a slice returns: a value, or the reason there is none. Slices never throw for expected refusals.</summary>
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

#pragma warning disable CA2225 // The implicit conversions keep slice code readable; Ok() is the named alternative.
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
