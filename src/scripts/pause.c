/* The pod sandbox's process (the CRI's "pause" image), built by cluster.sh: no registry can be reached here. It
 * holds the pod's namespaces open, reaps the orphans that end up with it as their parent, and ends on INT or TERM. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int signal_number) {
    (void)signal_number;
    _exit(0);
}

static void on_child(int signal_number) {
    (void)signal_number;
    while (waitpid(-1, 0, WNOHANG) > 0) {
    }
}

int main(void) {
    struct sigaction stop = {0}, child = {0};
    stop.sa_handler = on_stop;
    child.sa_handler = on_child;
    child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    sigaction(SIGINT, &stop, 0);
    sigaction(SIGTERM, &stop, 0);
    sigaction(SIGCHLD, &child, 0);
    for (;;) {
        pause();
    }
}
