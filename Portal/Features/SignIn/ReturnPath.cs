namespace Portal.Features.SignIn;

/// <summary>Where to send a person after sign-in: a path on this site only, never another host (open redirect).</summary>
public static class ReturnPath
{
    public static string LocalOrRoot(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 2048 || candidate[0] != '/')
        {
            return "/";
        }
        // "//evil" and "/\evil" are protocol-relative to browsers; control characters can smuggle either.
        if (candidate.Length > 1 && (candidate[1] == '/' || candidate[1] == '\\'))
        {
            return "/";
        }
        return candidate.Any(c => char.IsControl(c) || c == '\\') ? "/" : candidate;
    }
}
