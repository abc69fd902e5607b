using System.Numerics;

namespace TrainingPipeline.Tasks.Answers;

/// <summary>An exact fraction in lowest terms with a positive denominator, so equal values compare equal.</summary>
public readonly record struct Rational
{
    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("A rational number needs a non-zero denominator.");
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!divisor.IsZero && !divisor.IsOne) (numerator, denominator) = (numerator / divisor, denominator / divisor);
        Numerator = numerator;
        Denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    public bool IsZero => Numerator.IsZero;

    public static Rational operator /(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public override string ToString() => Denominator.IsOne ? Numerator.ToString() : $"{Numerator}/{Denominator}";
}
