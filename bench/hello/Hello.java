/** Reference point for JVM start-up: prints one line and exits (bench/README.md, syscount-startup). */
public class Hello {
    public static void main(String[] args) {
        System.out.println("Hello, world");
    }
}
