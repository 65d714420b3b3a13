namespace Portal.Features.Access;

/// <summary>How the access pages show a refusal: the sentence for people, the code for support and bug reports.</summary>
internal static class FailureText
{
    public static string Shown(this Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return $"{failure.Message} ({failure.Code})";
    }
}
