import com.sun.tools.attach.VirtualMachine;

/**
 * Sends one command to async-profiler inside a running JVM by loading its agent with that command
 * (what async-profiler's own asprof does), e.g. {@code start,event=itimer} or {@code stop,file=x}.
 * Usage: java bench/ProfilerControl.java PID LIBRARY COMMAND
 */
public final class ProfilerControl {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
