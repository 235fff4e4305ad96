// What one write per message costs on this machine, whatever the gateway: the --gateway-only workload's writes
// without Kafka, JSON, SockJS or a JVM. N loopback TCP connections (2,000), every 20 ms a batch written one message
// per connection, so that each connection gets one message per `period_ms` (500), as each subscriber gets one
// position per interval; a forked receiver drains them with epoll. Prints the sender's user and system CPU per
// message (getrusage). README Performance, --gateway-only.
//
//   gcc -O2 -o /tmp/write-floor src/bench/native/write-floor.c && (ulimit -n 20000; /tmp/write-floor 2000 500 30 300)
//
// Arguments: connections, period in ms, seconds, message bytes (a position's SockJS frame with its envelope is about 300).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int n=argc>1?atoi(argv[1]):2000, period_ms=argc>2?atoi(argv[2]):500, secs=argc>3?atoi(argv[3]):30, size=argc>4?atoi(argv[4]):260;
  int ls=socket(AF_INET,SOCK_STREAM,0); int one=1; setsockopt(ls,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);
  struct sockaddr_in a={0}; a.sin_family=AF_INET; a.sin_addr.s_addr=htonl(INADDR_LOOPBACK); a.sin_port=0;
  bind(ls,(void*)&a,sizeof a); listen(ls,4096); socklen_t al=sizeof a; getsockname(ls,(void*)&a,&al);
  pid_t child=fork();
  if(child==0){ // receiver
    int ep=epoll_create1(0); char buf[65536];
    for(int i=0;i<n;i++){int s=socket(AF_INET,SOCK_STREAM,0); if(connect(s,(void*)&a,sizeof a)){perror("connect");exit(1);}
      fcntl(s,F_SETFL,O_NONBLOCK); struct epoll_event e={.events=EPOLLIN,.data.fd=s}; epoll_ctl(ep,EPOLL_CTL_ADD,s,&e);}
    struct epoll_event ev[256];
    for(;;){int k=epoll_wait(ep,ev,256,-1); for(int i=0;i<k;i++){ssize_t r=read(ev[i].data.fd,buf,sizeof buf); if(r==0) exit(0);}}
  }
  int *fd=malloc(n*sizeof(int));
  for(int i=0;i<n;i++){fd[i]=accept(ls,0,0); setsockopt(fd[i],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one);}
  char *msg=malloc(size); memset(msg,'x',size);
  int batches_per_period=period_ms/20; long writes=0; int next=0;
  struct rusage r0,r1; double t0=now(); getrusage(RUSAGE_SELF,&r0);
  double tick=t0;
  while(now()-t0<secs){
    int per_batch=n/batches_per_period;
    for(int i=0;i<per_batch;i++){ if(write(fd[next],msg,size)!=size){perror("write");} next=(next+1)%n; writes++; }
    tick+=0.020; double w=tick-now(); if(w>0){struct timespec ts={0,(long)(w*1e9)}; nanosleep(&ts,0);}
  }
  getrusage(RUSAGE_SELF,&r1); double el=now()-t0;
  double u=(r1.ru_utime.tv_sec-r0.ru_utime.tv_sec)+(r1.ru_utime.tv_usec-r0.ru_utime.tv_usec)/1e6;
  double s=(r1.ru_stime.tv_sec-r0.ru_stime.tv_sec)+(r1.ru_stime.tv_usec-r0.ru_stime.tv_usec)/1e6;
  printf("%d connections, one message of %d bytes each per %d ms: %ld writes in %.1f s (%.0f/s); sender user %.2f us, system %.2f us per write (%.3f cores)\n",
    n,size,period_ms,writes,el,writes/el,u*1e6/writes,s*1e6/writes,(u+s)/el);
  kill(child,SIGKILL); waitpid(child,0,0); return 0;
}
