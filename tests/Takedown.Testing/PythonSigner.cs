using System.Diagnostics;

namespace Takedown.Testing;

/// <summary>
/// Signs with an independent implementation of the Standard Webhooks scheme: Python's standard library
/// (hmac, hashlib, base64), so a mistake shared by our signer and verifier cannot make the tests pass.
/// </summary>
public static class PythonSigner
{
    private const string Script = """
        import base64, hashlib, hmac, sys
        msg_id, timestamp = sys.argv[1], sys.argv[2]
        body = sys.stdin.buffer.read()
        sigs = []
        for secret in sys.argv[3:]:
            key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
            mac = hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body, hashlib.sha256).digest()
            sigs.append("v1," + base64.b64encode(mac).decode())
        sys.stdout.write(" ".join(sigs))
        """;

    /// <summary>The <c>webhook-signature</c> header value with one signature per secret.</summary>
    public static string Sign(string id, long timestamp, byte[] body, params string[] secrets)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(id);
        start.ArgumentList.Add(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var secret in secrets)
        {
            start.ArgumentList.Add(secret);
        }
        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(body);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("The Python signer failed: " + error);
        }
        return output.Trim();
    }

    /// <summary>A random <c>whsec_</c> secret made by Python, not by our code.</summary>
    public static string NewSecret()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import base64, os; print('whsec_' + base64.b64encode(os.urandom(32)).decode())");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
