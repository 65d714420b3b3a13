namespace Portal.Connectors.Anonymization;

/// <summary>All problems found in a profile, each naming the column or field it concerns.</summary>
public sealed class ProfileValidationException : Exception
{
    public ProfileValidationException(IReadOnlyList<string> errors)
        : base("invalid anonymization profile: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    public ProfileValidationException()
        : this([])
    {
    }

    public ProfileValidationException(string message)
        : this([message])
    {
    }

    public ProfileValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; } = [];

    /// <summary>The stable code of every profile error (docs/errors.md); <see cref="Errors"/> say which fields are wrong.</summary>
    public const string Code = "profile.invalid";
}
